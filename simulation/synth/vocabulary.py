"""Code lists and word lists the generator draws from (the departments' own values)."""

from __future__ import annotations

# Family names weighted roughly as in rural Guizhou (杨 王 吴 龙 罗 … are common there).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤"
)
SURNAME_WEIGHTS = tuple(6 if c in "杨王吴龙罗张李陈刘赵" else 1 for c in SURNAMES)
MALE_GIVEN = "伟强军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林洋勋文国建兴成德志云"
FEMALE_GIVEN = "芳娟敏静丽艳娜霞燕玲秀英梅琴兰凤洁蓉红萍雪倩婷慧巧珍莉琳莹颖佳欣悦月桂花"

# GB 3304 codes of the nationalities common in Guizhou, with rough shares.
ETHNIC_CODES = ("01", "06", "09", "12", "15", "07", "25", "37")
ETHNIC_WEIGHTS = (62, 12, 8, 5, 4, 3, 3, 3)
ETHNIC_NAMES = {
    "01": "汉族",
    "06": "苗族",
    "07": "彝族",
    "09": "布依族",
    "12": "侗族",
    "15": "土家族",
    "25": "水族",
    "37": "仡佬族",
}

# Registry relation words and the hukou 2-digit codes (department-feeds.md).
RELATION_CODES = {
    "户主": "01",
    "配偶": "10",
    "子": "20",
    "女": "30",
    "孙子女": "40",
    "父母": "50",
    "兄弟姐妹": "70",
    "其他": "99",
}

ATTRIBUTES = ("一般贫困户", "低保贫困户", "特困供养贫困户")
STANDARDS = ("国家标准", "省定标准", "市定标准")
CAUSES = (
    "因病",
    "因残",
    "因学",
    "因灾",
    "因婚",
    "缺土地",
    "缺水",
    "缺技术",
    "缺劳力",
    "缺资金",
    "交通条件落后",
    "自身发展动力不足",
)
CAUSE_WEIGHTS = (22, 8, 7, 3, 1, 6, 4, 14, 10, 16, 5, 4)
BANKS = ("贵州省农村信用社", "中国农业银行", "中国邮政储蓄银行", "贵州银行")

EDUCATION_LEVELS = ("文盲或半文盲", "小学", "初中", "高中", "中专", "大专及以上")
EDUCATION_WEIGHTS = (10, 35, 38, 9, 5, 3)
LABOUR_SKILLS = ("普通劳动力", "技能劳动力", "弱劳动力或半劳动力", "丧失劳动力", "无劳动力")
WORKING_LABOUR = ("普通劳动力", "技能劳动力")
WORK_PLACES = ("乡镇内", "乡镇外县内", "县外省内", "省外", "无")

# Work places outside the province, as real GB/T 2260 county codes (Shenzhen, Dongguan, …).
OUTSIDE_COUNTIES = ("440303", "440304", "441900", "330102", "350203", "320505", "500112")

# Registry 在校生状况 and 学籍 stage by age on the check date.
SCHOOL_STAGES = (
    (3, 5, "学前教育", "学前"),
    (6, 11, "小学", "小学"),
    (12, 14, "初中", "初中"),
    (15, 17, "高中", "高中"),
    (18, 21, "本科及以上", "本科"),
)

ICD10 = (
    ("J06.9", "急性上呼吸道感染", "普通门诊"),
    ("K29.7", "胃炎", "普通门诊"),
    ("I10", "原发性高血压", "门诊慢特病"),
    ("E11.9", "2型糖尿病", "门诊慢特病"),
    ("M54.5", "腰痛", "普通门诊"),
    ("J18.9", "肺炎", "住院"),
    ("I63.9", "脑梗死", "住院"),
    ("K80.2", "胆囊结石", "住院"),
    ("S72.0", "股骨颈骨折", "住院"),
    ("C34.9", "支气管或肺恶性肿瘤", "住院"),
    ("N18.5", "慢性肾脏病5期", "门诊慢特病"),
    ("O80.0", "顺产", "住院"),
)

VEHICLE_TYPES_COUNTED = ("小型轿车", "小型普通客车", "轻型货车", "小型越野客车")
VEHICLE_TYPES_EXEMPT = ("摩托车", "三轮汽车", "拖拉机")
PLATE_LETTERS = "ABCDEFGHJ"  # 贵A 贵阳 … 贵J 毕节: the province's plate office letters

UNIVERSITIES = (
    ("贵州大学", "本科"),
    ("贵州师范大学", "本科"),
    ("贵州医科大学", "本科"),
    ("遵义医科大学", "本科"),
    ("贵州财经大学", "本科"),
    ("四川大学", "本科"),
    ("贵州交通职业技术学院", "专科"),
    ("贵州轻工职业技术学院", "专科"),
)
MAJORS = (
    "临床医学",
    "土木工程",
    "计算机科学与技术",
    "会计学",
    "小学教育",
    "护理",
    "农学",
    "机电一体化",
)

PAYROLL_UNITS = (
    ("{county}人民政府办公室", "行政"),
    ("{county}教育局", "行政"),
    ("{county}第一中学", "事业"),
    ("{county}人民医院", "事业"),
    ("{county}农业农村局", "行政"),
    ("{county}自来水公司", "国有企业"),
    ("{county}{township}人民政府", "行政"),
    ("{county}{township}中心小学", "事业"),
)
UNIT_LEVELS = ("省直", "市直", "县直", "乡镇", "村级")
AID_METHODS = ("产业", "就业", "消费", "捐赠", "教育")
RESETTLEMENT_SITE_SUFFIXES = ("安置点", "移民新区", "易地扶贫搬迁安置区")
COMPANY_WORDS = ("农业", "商贸", "建材", "茶业", "食品", "物流", "建筑", "电子", "旅游", "药业")
BRANDS = (
    "兴旺",
    "鑫源",
    "宏达",
    "金桥",
    "富民",
    "绿源",
    "黔丰",
    "山水",
    "恒通",
    "瑞丰",
    "顺达",
    "华信",
)
COMPANY_SUFFIX = {
    "有限责任公司": "有限公司",
    "股份有限公司": "股份有限公司",
    "农民专业合作社": "农民专业合作社",
    "个体工商户": "",
}

# Plate prefixes (机动车号牌 province characters) and the short names on property certificates.
PLATE_PROVINCE = {
    "11": "京", "12": "津", "13": "冀", "14": "晋", "15": "蒙", "21": "辽", "22": "吉",
    "23": "黑", "31": "沪", "32": "苏", "33": "浙", "34": "皖", "35": "闽", "36": "赣",
    "37": "鲁", "41": "豫", "42": "鄂", "43": "湘", "44": "粤", "45": "桂", "46": "琼",
    "50": "渝", "51": "川", "52": "贵", "53": "云", "54": "藏", "61": "陕", "62": "甘",
    "63": "青", "64": "宁", "65": "新",
}  # fmt: skip
CERTIFICATE_PROVINCE = {**PLATE_PROVINCE, "52": "黔", "53": "云", "51": "川", "50": "渝"}
PLATE_CHARACTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
STREET_WORDS = ("人民路", "新华路", "文化路", "建设路", "中山路", "阳明路", "滨河路", "龙场大道")
