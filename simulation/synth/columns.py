"""Each feed's columns, in delivery order, with the departments' own names (department-feeds.md).

Feeds the catalog describes (``fupin/feeds.yml``) take their columns from it: one description
of a feed, read by fupin and by the generator alike. Only feeds the catalog does not describe
yet (the pull feeds) keep their columns here.
"""

from __future__ import annotations

from fupin.catalog import raw_tables


def _catalog_columns(table: str) -> tuple[str, ...]:
    (columns,) = [t.columns for t in raw_tables() if t.name == table]
    return columns


REGISTRY_HOUSEHOLD = _catalog_columns("registry__household")
REGISTRY_AMOUNT_COLUMNS = (
    "工资性收入",
    "生产经营性收入",
    "财产性收入",
    "转移性收入",
    "生产经营性支出",
    "年人均纯收入",
)
REGISTRY_MEMBER = _catalog_columns("registry__member")
HUKOU = _catalog_columns("hukou__full")
VEHICLE = (
    "plate_no",
    "owner_id_number",
    "owner_name",
    "vehicle_type",
    "usage",
    "register_date",
    "purchase_price",
    "status",
    "updated_at",
)
DIBAO = (
    "recipient_id",
    "id_number",
    "name",
    "head_id_number",
    "region_code",
    "assistance_type",
    "monthly_amount",
    "start_date",
    "end_date",
    "status",
    "updated_at",
)
MEDICAL = _catalog_columns("medical__settlement")
EDUCATION_ENROLMENT = _catalog_columns("education__enrolment")
EDUCATION_ADMISSION = _catalog_columns("education__admission")
RENSHE = _catalog_columns("renshe__insurance")
PAYROLL_FULL = _catalog_columns("payroll__full")
PAYROLL_CHANGE = _catalog_columns("payroll__change")
PROPERTY_REGISTRATION = _catalog_columns("property__registration")
HOUSE_RENOVATION = _catalog_columns("property__renovation")
BUSINESS = (
    "uscc",
    "name",
    "entity_type",
    "legal_rep_id_number",
    "legal_rep_name",
    "registered_capital_wan",
    "established_on",
    "status",
    "region_code",
    "changed_at",
    "shareholders",
)
DISABILITY = _catalog_columns("disability__certificate")
RELOCATION = _catalog_columns("relocation__household")
CADRE_ASSIGNMENT = _catalog_columns("assistance__cadre")
ENTERPRISE_AID = _catalog_columns("assistance__enterprise_aid")

# Which ID-number column each delivered table carries (for tests and the ground truth).
ID_COLUMNS = {
    "registry_household": ("户主证件号码",),
    "registry_member": ("证件号码",),
    "hukou": ("公民身份号码",),
    "vehicle": ("owner_id_number",),
    "dibao": ("id_number", "head_id_number"),
    "medical": ("证件号码",),
    "education_enrolment": ("id_number",),
    "education_admission": ("id_number",),
    "renshe": ("证件号码",),
    "payroll": ("证件号码",),
    "property_registration": ("权利人证件号码",),
    "house_renovation": ("户主证件号码",),
    "business": ("legal_rep_id_number",),
    "relocation": ("户主证件号码",),
    "cadre_assignment": ("帮扶责任人证件号码",),
}
