{#- Parsing of the departments' text values. Every macro returns NULL for an empty or
    unparseable value instead of failing the build: the quality checks (Great Expectations)
    report such values to the steward; staging must not crash on them. -#}

{#- Text as delivered, trimmed; an empty string is NULL. -#}
{% macro clean_text(column) -%}
    nullif(btrim({{ column }}), '')
{%- endmacro %}

{#- An amount in yuan: '1,234.50', '1234.5', ' 12 ' -> numeric(14, 2). -#}
{% macro parse_amount(column) -%}
    (case
        when replace(replace(btrim({{ column }}), ',', ''), ' ', '') ~ '^[-+]?[0-9]+(\.[0-9]*)?$'
            then round(replace(replace(btrim({{ column }}), ',', ''), ' ', '')::numeric, 2)
    end)::numeric(14, 2)
{%- endmacro %}

{#- A decimal quantity (area, ...): '12.5', '1,200' -> numeric. -#}
{% macro parse_decimal(column) -%}
    (case
        when replace(btrim({{ column }}), ',', '') ~ '^[-+]?[0-9]+(\.[0-9]*)?$'
            then replace(btrim({{ column }}), ',', '')::numeric
    end)
{%- endmacro %}

{#- An integer, also as an XLSX cell may give it: '3', '3.0', '3.00' -> 3; '3.5' -> NULL. -#}
{% macro parse_integer(column) -%}
    (case
        when btrim({{ column }}) ~ '^[-+]?[0-9]{1,9}(\.0*)?$'
            then split_part(btrim({{ column }}), '.', 1)::integer
    end)
{%- endmacro %}

{#- A date from 'YYYYMMDD', 'YYYY-MM-DD', 'YYYY/MM/DD' or 'YYYY-MM-DD HH:MM:SS' (an XLSX datetime);
    an impossible date (20260231) is NULL. One regex tells the shape; its 8 digits go once to
    ops.date_from_digits (migration 0009). This runs on every row of the largest feeds: as one
    expression that repeated the digits it cost about 8 µs a value, now about 1 µs. -#}
{% macro parse_date(column) -%}
    {%- set value = 'btrim(' ~ column ~ ')' -%}
    (case
        when {{ value }} ~ '^[0-9]{8}$'
            then ops.date_from_digits({{ value }})
        when {{ value }} ~ '^[0-9]{4}[-/.][0-9]{2}[-/.][0-9]{2}([ T].*)?$'
            then ops.date_from_digits(translate(left({{ value }}, 10), '-/.', ''))
    end)
{%- endmacro %}

{#- 是 / 否 -> boolean. -#}
{% macro parse_yes_no(column) -%}
    (case btrim({{ column }}) when '是' then true when '否' then false end)
{%- endmacro %}

{#- The first day of a delivery period 'YYYY', 'YYYYMM' or 'YYYYMMDD'. -#}
{% macro period_start(column) -%}
    (case
        when {{ column }} ~ '^[0-9]{8}$' then to_date({{ column }}, 'YYYYMMDD')
        when {{ column }} ~ '^[0-9]{6}$' then to_date({{ column }}, 'YYYYMM')
        when {{ column }} ~ '^[0-9]{4}$' then to_date({{ column }}, 'YYYY')
    end)
{%- endmacro %}

{#- The last day of a delivery period 'YYYY', 'YYYYMM' or 'YYYYMMDD'. -#}
{% macro period_end(column) -%}
    (case
        when {{ column }} ~ '^[0-9]{8}$' then to_date({{ column }}, 'YYYYMMDD')
        when {{ column }} ~ '^[0-9]{6}$'
            then (to_date({{ column }}, 'YYYYMM') + interval '1 month - 1 day')::date
        when {{ column }} ~ '^[0-9]{4}$'
            then (to_date({{ column }}, 'YYYY') + interval '1 year - 1 day')::date
    end)
{%- endmacro %}

{#- The first / last day of a quarter period 'YYYYQ' (relocation: banqian_{YYYYQ}), else NULL. -#}
{% macro quarter_start(column) -%}
    (case
        when {{ column }} ~ '^[0-9]{4}[1-4]$'
            then make_date(
                substr({{ column }}, 1, 4)::integer, substr({{ column }}, 5, 1)::integer * 3 - 2, 1
            )
    end)
{%- endmacro %}

{% macro quarter_end(column) -%}
    (({{ quarter_start(column) }} + interval '3 months - 1 day')::date)
{%- endmacro %}

{#- An ISO-8601 timestamp ('2026-08-29T08:00:00+08:00'); a value without a zone is read in the
    session's zone; an impossible date or a non-timestamp is NULL. -#}
{% macro parse_timestamp(column) -%}
    (case
        when btrim({{ column }}) ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$'
            and {{ parse_date('substr(btrim(' ~ column ~ '), 1, 10)') }} is not null
            then btrim({{ column }})::timestamptz
    end)
{%- endmacro %}

{#- A unified social credit code (GB 32100) as the warehouse keys it: trimmed, upper-cased. -#}
{% macro normalize_uscc(column) -%}
    upper(nullif(btrim({{ column }}), ''))
{%- endmacro %}
