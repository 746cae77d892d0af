{#- A user's override of tessera.current_actor (found through the project's `dispatch:`
    config): every audit row this project writes names this actor. -#}
{% macro default__current_actor() %}
    {{ return('integration-tests-actor') }}
{% endmacro %}
