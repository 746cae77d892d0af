"""Every change kind of the diff: its usual effect, whether it adds, and what it means.

Documented one by one in ``docs/compatibility.md`` (a test checks that each is).
"""

from __future__ import annotations

# kind → (effect, additive, one-line meaning). The effect given is the usual one; a few
# kinds carry a stronger effect in context (a removed *required* column is incompatible,
# a removed *enforced* guarantee relaxes a constraint), see docs/compatibility.md.
KINDS: dict[str, tuple[str, bool, str]] = {
    "column_added": ("widening", True, "a nullable column was added"),
    "required_column_added": ("incompatible", True, "a not-null column was added"),
    "column_removed": ("narrowing", False, "a column was removed (incompatible if required)"),
    "field_added": ("widening", True, "a nullable nested field was added"),
    "required_field_added": ("incompatible", True, "a not-null nested field was added"),
    "field_removed": ("narrowing", False, "a nested field was removed"),
    "required_added": ("narrowing", False, "a column became not-null"),
    "required_removed": ("widening", True, "a column stopped being not-null"),
    "type_changed": ("incompatible", False, "the type changed to an unrelated one"),
    "type_widened": ("widening", True, "the type accepts more values (int → bigint)"),
    "type_narrowed": ("narrowing", False, "the type accepts fewer values (bigint → int)"),
    "data_type_alias_changed": ("neutral", False, "same type, spelled differently"),
    "length_widened": ("widening", True, "maximum length grew or was lifted"),
    "length_narrowed": ("narrowing", False, "maximum length shrank or was imposed"),
    "precision_widened": ("widening", True, "numeric precision grew"),
    "precision_narrowed": ("narrowing", False, "numeric precision shrank"),
    "scale_widened": ("widening", True, "numeric scale grew without losing integer digits"),
    "scale_narrowed": ("narrowing", False, "numeric scale shrank"),
    "enum_values_added": ("widening", True, "accepted values were added"),
    "enum_values_removed": ("narrowing", False, "accepted values were removed"),
    "enum_added": ("narrowing", False, "the column was restricted to a list of values"),
    "enum_removed": ("widening", True, "the list of accepted values was lifted"),
    "bound_tightened": ("narrowing", False, "a bound (minimum, maximum, …) tightened"),
    "bound_relaxed": ("widening", True, "a bound relaxed or was removed"),
    "bound_changed": ("incompatible", False, "a bound changed to an unrelated one"),
    "pattern_added": ("narrowing", False, "a pattern was imposed"),
    "pattern_changed": ("incompatible", False, "the pattern changed (admits other values)"),
    "pattern_removed": ("widening", True, "the pattern was lifted"),
    "default_added": ("widening", True, "a default was added"),
    "default_removed": ("narrowing", False, "the default was removed"),
    "default_changed": ("neutral", False, "the default value changed"),
    "ref_changed": ("incompatible", False, "a $ref that cannot be resolved changed"),
    "additional_properties_allowed": ("widening", True, "undeclared fields are now allowed"),
    "additional_properties_forbidden": ("narrowing", False, "undeclared fields are refused"),
    "became_false": ("narrowing", False, "a subschema became false: it accepts nothing"),
    "no_longer_false": ("widening", True, "a false subschema now accepts values"),
    "branch_added": ("widening", True, "an anyOf/oneOf gained an alternative"),
    "branch_removed": ("narrowing", False, "an anyOf/oneOf lost an alternative"),
    "subschema_added": (
        "narrowing",
        False,
        "a constraining subschema (allOf member, not, …) was added",
    ),
    "subschema_removed": ("widening", True, "a constraining subschema was removed"),
    "keyword_changed": ("incompatible", False, "another validation keyword changed"),
    "description_changed": ("neutral", False, "a description changed"),
    "title_changed": ("neutral", False, "a title changed"),
    "annotation_changed": ("neutral", False, "an annotation (x-…) changed"),
    "column_order_changed": ("neutral", False, "columns were reordered"),
    "materialization_changed": (
        "neutral",
        False,
        "materialization changed (constraint_relaxed when constraints stop being enforced)",
    ),
    "contract_enforcement_removed": ("constraint_relaxed", False, "contract enforcement off"),
    "contract_enforcement_added": ("guarantee_tightened", False, "contract enforcement on"),
    "guarantee_added": ("guarantee_tightened", True, "a guarantee was added"),
    "guarantee_removed": (
        "guarantee_relaxed",
        False,
        "a guarantee was removed (constraint_relaxed if it was enforced)",
    ),
    "guarantee_tightened": ("guarantee_tightened", False, "a guarantee was tightened"),
    "guarantee_relaxed": (
        "guarantee_relaxed",
        False,
        "a guarantee was relaxed (constraint_relaxed if it was enforced)",
    ),
    "guarantee_changed": ("neutral", False, "a guarantee changed without getting weaker"),
}

# Kinds whose reverse is another kind with the inverse effect (narrowing ↔ widening).
INVERSE_KINDS: dict[str, str] = {
    "column_added": "column_removed",
    "field_added": "field_removed",
    "required_added": "required_removed",
    "type_widened": "type_narrowed",
    "length_widened": "length_narrowed",
    "precision_widened": "precision_narrowed",
    "scale_widened": "scale_narrowed",
    "enum_values_added": "enum_values_removed",
    "enum_added": "enum_removed",
    "bound_tightened": "bound_relaxed",
    "pattern_added": "pattern_removed",
    "default_added": "default_removed",
    "additional_properties_allowed": "additional_properties_forbidden",
    "became_false": "no_longer_false",
    "branch_added": "branch_removed",
    "subschema_added": "subschema_removed",
}
INVERSE_KINDS.update({v: k for k, v in list(INVERSE_KINDS.items())})
