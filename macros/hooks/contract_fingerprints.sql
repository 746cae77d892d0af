{#- Fingerprints of the given graph nodes that are fingerprinted: {unique_id: md5}. One
    pass over graph.nodes collects the tests attached to them. -#}
{% macro contract_fingerprints(unique_ids) %}
    {%- set wanted = {} -%}
    {%- for uid in unique_ids -%}
        {%- set node = graph.nodes.get(uid) -%}
        {%- if node is not none and node.resource_type == 'model' -%}
            {%- do wanted.update({uid: []}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if wanted | length == 0 -%}
        {{ return({}) }}
    {%- endif -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'test' and node.attached_node in wanted -%}
        {%- do wanted[node.attached_node].append(node) -%}
    {%- endfor -%}
    {%- set out = {} -%}
    {%- for uid, tests in wanted.items() -%}
        {%- set fp = tessera.contract_fingerprint(graph.nodes[uid], tests) -%}
        {%- if fp -%}{%- do out.update({uid: fp}) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(out) }}
{% endmacro %}
