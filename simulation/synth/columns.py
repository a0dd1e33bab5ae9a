"""Each feed's columns, in delivery order, with the departments' own names (department-feeds.md).

One table per feed and file kind; writers and tests take the column names from here only.
"""

from __future__ import annotations

REGISTRY_HOUSEHOLD = (
    "户编号",
    "户主姓名",
    "户主证件号码",
    "村代码",
    "贫困户属性",
    "识别标准",
    "主要致贫原因",
    "其他致贫原因",
    "家庭人口数",
    "耕地面积（亩）",
    "住房面积（平方米）",
    "危房等级",
    "饮水安全",
    "工资性收入",
    "生产经营性收入",
    "财产性收入",
    "转移性收入",
    "生产经营性支出",
    "年人均纯收入",
    "脱贫标志",
    "脱贫年度",
    "识别年度",
    "开户银行",
    "银行账号",
    "联系电话",
)
REGISTRY_AMOUNT_COLUMNS = (
    "工资性收入",
    "生产经营性收入",
    "财产性收入",
    "转移性收入",
    "生产经营性支出",
    "年人均纯收入",
)
REGISTRY_MEMBER = (
    "户编号",
    "姓名",
    "证件号码",
    "与户主关系",
    "性别",
    "民族",
    "文化程度",
    "在校生状况",
    "健康状况",
    "劳动技能",
    "务工状况",
    "务工时间（月）",
    "是否参加大病保险",
    "是否参加城乡居民基本养老保险",
)
HUKOU = (
    "公民身份号码",
    "姓名",
    "性别",
    "出生日期",
    "民族",
    "户号",
    "与户主关系",
    "户籍地区划",
    "变动类型",
    "注销原因",
    "变动日期",
)
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
MEDICAL = (
    "结算ID",
    "证件号码",
    "姓名",
    "就诊类型",
    "医疗机构",
    "入院日期",
    "出院日期",
    "诊断编码",
    "诊断名称",
    "总费用",
    "基本医保支付",
    "大病保险支付",
    "医疗救助支付",
    "个人自付",
    "结算日期",
)
EDUCATION_ENROLMENT = (
    "student_no",
    "id_number",
    "name",
    "school_code",
    "school_name",
    "stage",
    "grade",
    "status",
    "region_code",
    "updated_at",
)
EDUCATION_ADMISSION = (
    "exam_no",
    "id_number",
    "name",
    "university",
    "major",
    "level",
    "admitted_at",
)
RENSHE = (
    "证件号码",
    "姓名",
    "参保险种",
    "参保状态",
    "单位名称",
    "单位统一社会信用代码",
    "月缴费基数",
    "就业状态",
    "务工地区划",
    "所属期",
)
PAYROLL_FULL = ("证件号码", "姓名", "单位名称", "单位性质", "人员类别", "起薪日期", "停薪日期")
PAYROLL_CHANGE = (*PAYROLL_FULL, "变动类型")
PROPERTY_REGISTRATION = (
    "不动产权证号",
    "权利人证件号码",
    "权利人姓名",
    "坐落",
    "区划代码",
    "房屋用途",
    "建筑面积",
    "登记类型",
    "登记日期",
    "交易价格",
)
HOUSE_RENOVATION = ("户主证件号码", "村代码", "鉴定等级", "改造状态", "鉴定日期", "竣工日期")
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
DISABILITY = (
    "残疾人证号",
    "姓名",
    "残疾类别",
    "残疾等级",
    "发证日期",
    "困难残疾人生活补贴",
    "重度残疾人护理补贴",
)
RELOCATION = (
    "户编号",
    "户主证件号码",
    "迁出村代码",
    "安置点名称",
    "安置点区划",
    "搬迁年度",
    "是否入住",
    "入住日期",
    "家庭劳动力人数",
    "已就业人数",
    "户年收入",
)
CADRE_ASSIGNMENT = (
    "帮扶责任人证件号码",
    "姓名",
    "单位名称",
    "单位层级",
    "联系电话",
    "帮扶户编号",
    "开始日期",
    "结束日期",
)
ENTERPRISE_AID = (
    "企业统一社会信用代码",
    "企业名称",
    "帮扶对象类型",
    "帮扶对象代码",
    "帮扶方式",
    "帮扶金额（元）",
    "受益人数",
    "帮扶日期",
)

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
