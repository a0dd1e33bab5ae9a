"""Background records of every feed, drawn from the population and kept clear of every rule.

Only "free" persons (not in a registered or planted household) get records that could fire a
rule (payroll, vehicles, property, businesses, deaths, admissions); registered households get
only rule-neutral records (insurance as residents, school places, small medical bills, the
allowances their attribute implies).


One module per department (or group of departments); shared helpers in ``common``.
"""

from simulation.synth.background.assistance import (
    cadre_assignments,
    cadre_row,
    certificate_row,
    disability,
    enterprise_aid,
    labourers,
    relocation_row,
    relocations,
)
from simulation.synth.background.businesses import (
    ORGANIZATION_WEIGHTS,
    business_item,
    businesses,
    new_uscc,
    organization_code,
)
from simulation.synth.background.common import (
    free_adults,
    hash_seconds,
    iso_time,
    lower_x,
    mobile,
    month_end_of,
    other_county,
    present,
    random_day,
    weekly_dates,
    work_region,
    yuan_text,
)
from simulation.synth.background.dibao import (
    dibao,
    dibao_row,
)
from simulation.synth.background.education import (
    admission_row,
    admissions,
    enrolment_row,
    enrolments,
    school_of,
    stage_for_age,
    term_dates,
)
from simulation.synth.background.housing import (
    Certificates,
    address,
    properties,
    property_row,
    renovation_row,
    renovations,
)
from simulation.synth.background.hukou import (
    add_event,
    builder_ids_for,
    current_state,
    deployment_county_codes,
    hukou_events,
    legacy_numbers,
)
from simulation.synth.background.medical import (
    MedicalIds,
    hospitals,
    medical,
    reversal_of,
    settlement,
)
from simulation.synth.background.payroll import (
    payroll,
    payroll_entry,
    payroll_unit,
)
from simulation.synth.background.renshe import (
    renshe,
    renshe_row,
)
from simulation.synth.background.vehicles import (
    Plates,
    vehicle_item,
    vehicles,
)

__all__ = [
    "Certificates",
    "MedicalIds",
    "ORGANIZATION_WEIGHTS",
    "Plates",
    "add_event",
    "address",
    "admission_row",
    "admissions",
    "builder_ids_for",
    "business_item",
    "businesses",
    "cadre_assignments",
    "cadre_row",
    "certificate_row",
    "current_state",
    "deployment_county_codes",
    "dibao",
    "dibao_row",
    "disability",
    "enrolment_row",
    "enrolments",
    "enterprise_aid",
    "free_adults",
    "hash_seconds",
    "hospitals",
    "hukou_events",
    "iso_time",
    "labourers",
    "legacy_numbers",
    "lower_x",
    "medical",
    "mobile",
    "month_end_of",
    "new_uscc",
    "organization_code",
    "other_county",
    "payroll",
    "payroll_entry",
    "payroll_unit",
    "present",
    "properties",
    "property_row",
    "random_day",
    "relocation_row",
    "relocations",
    "renovation_row",
    "renovations",
    "renshe",
    "renshe_row",
    "reversal_of",
    "school_of",
    "settlement",
    "stage_for_age",
    "term_dates",
    "vehicle_item",
    "vehicles",
    "weekly_dates",
    "work_region",
    "yuan_text",
]
