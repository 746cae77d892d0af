"""Webhook delivery of audit events (no dbt): payloads, signatures, retries, URL checks."""
