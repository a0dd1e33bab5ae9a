{#- The check date of this run: var as_of ('YYYY-MM-DD'); empty or absent: current_date. -#}
{% macro as_of_date() -%}
    {%- set value = var('as_of', '') -%}
    {%- if value is none or (value | string | trim) == '' -%}
        current_date
    {%- else -%}
        {%- set text = value | string | trim -%}
        {%- if modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', text) is none -%}
            {{ exceptions.raise_compiler_error("var as_of must be a date YYYY-MM-DD, got '" ~ text ~ "'") }}
        {%- endif -%}
        date '{{ text }}'
    {%- endif -%}
{%- endmacro %}

{#- The rows of `relation` (a CTE of a snapshot feed) that belong to its latest snapshot whose
    `period_column` has begun on the check date. A snapshot is the department's whole register:
    what is absent from it is no longer current. -#}
{% macro latest_snapshot_rows(relation, period_column) -%}
    select {{ relation }}.*
    from {{ relation }}
    where {{ relation }}.{{ period_column }} = (
        select max(earlier.{{ period_column }})
        from {{ relation }} as earlier
        where earlier.{{ period_column }} <= {{ as_of_date() }}
    )
{%- endmacro %}

{#- The latest ``column`` of ``relation`` on or before the check date, as one row of one column
    named ``column``: the period a current view reads. A view that reads the check date only
    through it names it in its meta (as_of_token: {relation: <model>, column: <column>}): its
    readers are then built again when that period changes, not every day (build_cache.sql). -#}
{% macro latest_period_on(relation, column) -%}
    select max(periods.{{ column }}) as {{ column }}
    from {{ relation }} as periods
    where periods.{{ column }} <= {{ as_of_date() }}
{%- endmacro %}
