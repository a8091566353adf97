"""The demo college's other facts: staff development (training, enterprise practice, research), awards
and 1+X certificates, admissions (plans, admissions, registration), graduates' employment, fitness
tests and second-classroom activity (德智体美劳).

Rates that monitoring compares with a line are drawn as quotas, not coin flips: a healthy specialty's
graduates are 92–98 % placed, so only the planted specialties fall under 85 %.
"""

from datetime import date, timedelta
from random import Random

from .calendar import COHORTS, graduation_day
from .people import chinese_name

YEARS = (2023, 2024, 2025, 2026)
SHORTFALL_YEAR = 2026

_TRAINING = (
    "高职院校教师教学能力提升培训", "职业教育国家级教师素质提高计划", "信息化教学能力专题培训", "课程思政专题研修",
    "双师型教师企业实践培训", "专业带头人领导力研修", "教育数字化转型专题", "职业技能等级证书师资培训",
)
_SHORT = ("教研室集体备课", "教学沙龙", "线上专题讲座", "教学督导反馈会", "新技术工作坊")
_CITIES = ("扬州", "南京", "苏州", "无锡", "常州", "镇江", "泰州", "南通")
_FIRMS = ("恒通", "华瑞", "远航", "金鼎", "正泰", "宏达", "天工", "新纪元", "汇智", "东方")
_TRADES = {
    "D01": "精密机械", "D02": "智能装备", "D03": "软件科技", "D04": "电子科技", "D05": "汽车零部件",
    "D06": "化工", "D07": "建设集团", "D08": "会计师事务所", "D09": "文化传媒", "D10": "国际贸易",
}
_ONE_PLUS_X = {
    "D01": "数控车铣加工职业技能等级证书（中级）", "D02": "工业机器人操作与运维职业技能等级证书（中级）",
    "D03": "Web前端开发职业技能等级证书（中级）", "D04": "物联网安装调试与运维职业技能等级证书（中级）",
    "D05": "汽车运用与维修职业技能等级证书（中级）", "D06": "化工危险与可操作性（HAZOP）分析职业技能等级证书",
    "D07": "建筑信息模型（BIM）职业技能等级证书（中级）", "D08": "业财一体信息化应用职业技能等级证书（中级）",
    "D09": "界面设计职业技能等级证书（中级）", "D10": "实用英语交际职业技能等级证书（中级）",
}
_LEVELS = (("national", 5), ("provincial", 30), ("city", 15), ("school", 50))


def _pick(rng, pairs):
    return rng.choices([p[0] for p in pairs], [p[1] for p in pairs])[0]


def _day(rng, start: date, end: date) -> date:
    return start + timedelta(days=int(rng.random() * ((end - start).days + 1)))


def _firm(rng, dept_code: str) -> str:
    trade = _TRADES.get(dept_code, "实业")
    return f"{rng.choice(_CITIES)}{rng.choice(_FIRMS)}{trade}有限公司"


def training_rows(plan, source, batch):
    """Every teacher trains in the winter and summer breaks (24–36 hours each) and a little in term, so
    each calendar year and each complete academic year has at least 48 hours; planted teachers skip
    both breaks of 2026 and have under 40 hours in 2026 and in 2025-2026."""
    rng = Random(f"{plan.seed}:training")
    n = 0
    for s in plan.staff:
        short = s.id in plan.shortfall_teachers
        for year in YEARS:
            records = []
            if s.is_teacher:
                if not (short and year == SHORTFALL_YEAR):
                    records.append((_day(rng, date(year, 1, 8), date(year, 2, 6)), rng.choice(_TRAINING), rng.randint(48, 64) / 2))
                    records.append((_day(rng, date(year, 7, 10), date(year, 8, 20)), rng.choice(_TRAINING), rng.randint(48, 72) / 2))
                for _ in range(rng.randint(1, 2) if short and year == SHORTFALL_YEAR else rng.randint(1, 3)):
                    span = (date(year, 3, 2), date(year, 6, 19)) if rng.random() < 0.5 else (date(year, 9, 7), date(year, 12, 18))
                    records.append((_day(rng, *span), rng.choice(_SHORT), rng.randint(4, 8)))
            elif rng.random() < 0.7:
                records.append((_day(rng, date(year, 7, 6), date(year, 8, 28)), "管理干部业务能力培训", rng.randint(8, 24)))
            for day, title, hours in records:
                if day > plan.demo_date:
                    continue
                n += 1
                yield (n, s.id, f"PX{year}{n:07d}", title, f"{hours:.1f}", day.isoformat(), source, batch)


def practice_rows(plan, source, batch):
    """Teachers of the specialty colleges spend 10–30 days a summer in an enterprise (企业实践); planted
    teachers not in 2026."""
    rng = Random(f"{plan.seed}:practice")
    dept_codes = {d["id"]: d["code"] for d in plan.departments}
    n = 0
    for s in plan.staff:
        code = dept_codes[s.department_id]
        if not s.is_teacher or code not in _TRADES:
            continue
        for year in YEARS:
            if s.id in plan.shortfall_teachers and year == SHORTFALL_YEAR:
                continue
            if rng.random() < 0.15:
                continue
            start = _day(rng, date(year, 7, 6), date(year, 7, 31))
            days = rng.randint(10, 30)
            n += 1
            yield (n, s.id, f"SJ{year}{n:06d}", _firm(rng, code), start.isoformat(),
                   (start + timedelta(days=days - 1)).isoformat(), days, source, batch)


def research_rows(plan, source, batch):
    rng = Random(f"{plan.seed}:research")
    courses_by_dept = {}
    for c in plan.courses:
        courses_by_dept.setdefault(c.department_id, []).append(c.name)
    per_year = {"research": 2.2, "teaching_research": 1.1, "teaching": 0.35, "practice": 0.6}
    kinds = (("paper", 55), ("patent", 12), ("project", 18), ("book", 5), ("service", 10))
    n = 0
    for s in plan.staff:
        if not s.is_teacher:
            continue
        names = courses_by_dept[s.department_id]
        for year in YEARS:
            expected = per_year[s.track]
            count = int(expected) + (1 if rng.random() < expected - int(expected) else 0)
            for _ in range(count):
                kind = _pick(rng, kinds)
                topic = rng.choice(names)
                title = {
                    "paper": f"“双高”背景下{topic}课程教学改革研究", "patent": f"一种用于{topic}实训的教学装置",
                    "project": f"{topic}关键技术应用研究", "book": f"《{topic}》（新形态教材）",
                    "service": f"{topic}技术服务项目",
                }[kind]
                day = _day(rng, date(year, 1, 1), min(date(year, 12, 31), plan.demo_date))
                n += 1
                yield (n, s.id, f"KY{year}{n:06d}", kind, title, _pick(rng, _LEVELS), day.isoformat(), source, batch)


def award_rows(plan, source, batch):
    """Students: 1+X certificates in their second year, other certificates, competitions and honours;
    staff: teaching competitions and honours."""
    rng = Random(f"{plan.seed}:awards")
    dept_codes = {d["id"]: d["code"] for d in plan.departments}
    spec_dept = {s["id"]: dept_codes[s["department_id"]] for s in plan.specialties}
    n = 0

    def award(student, staff, kind, name, level, day):
        nonlocal n
        n += 1
        return (n, f"HJ{n:08d}", student, staff, kind, name, level, day.isoformat(), source, batch)

    for s in plan.students:
        until = min(s.active_until, plan.demo_date)
        x_day = date(s.cohort + 2, 6, 15)
        if x_day <= until and rng.random() < 0.38:
            yield award(s.id, None, "1+x", _ONE_PLUS_X[spec_dept[s.specialty_id]], "national", x_day)
        cert_day = date(s.cohort + 1, 12, 20)
        if cert_day <= until and rng.random() < 0.22:
            name = rng.choice(("全国计算机等级考试二级证书", "全国大学英语四级证书", "普通话水平测试二级甲等证书"))
            yield award(s.id, None, "certificate", name, "national", cert_day)
        for year in range(max(s.cohort + 1, 2024), 2027):
            day = date(year, 5, 20)
            if day > until:
                break
            roll = rng.random()
            if roll < 0.04:
                yield award(s.id, None, "competition", f"{year}年江苏省职业院校技能大赛（{spec_dept[s.specialty_id]}赛区）",
                            _pick(rng, _LEVELS), day)
            elif roll < 0.09:
                yield award(s.id, None, "honour", rng.choice(("三好学生", "优秀学生干部", "国家奖学金", "国家励志奖学金")),
                            "school" if roll < 0.08 else "national", day)
    for s in plan.staff:
        for year in YEARS:
            roll = rng.random()
            day = date(year, 11, 10)
            if day > plan.demo_date:
                continue
            if s.is_teacher and roll < 0.04:
                yield award(None, s.id, "competition", f"{year}年全国职业院校技能大赛教学能力比赛", _pick(rng, _LEVELS), day)
            elif roll < 0.07:
                yield award(None, s.id, "honour", "优秀教育工作者" if not s.is_teacher else "优秀教师", "school", day)


def enrolment_plan_rows(plan, source, batch):
    rng = Random(f"{plan.seed}:enrolment-plans")
    n = 0
    for s in plan.specialties:
        for cohort in COHORTS:
            admitted, _classes = plan.intake[(s["id"], cohort)]
            n += 1
            yield (n, s["id"], cohort, admitted + rng.randint(0, max(2, admitted // 12)), source, batch)


def admission_rows(plan, source, batch):
    """Every student was admitted and registered; about one admitted candidate in twenty-five never came."""
    rng = Random(f"{plan.seed}:admissions")
    n = 0
    for s in plan.students:
        n += 1
        yield (n, f"{s.cohort % 100:02d}32{n:010d}", s.name, s.specialty_id, s.cohort, True, s.id, source, batch)
        if rng.random() < 0.04:
            n += 1
            gender = "M" if rng.random() < 0.6 else "F"
            yield (n, f"{s.cohort % 100:02d}32{n:010d}", chinese_name(rng, gender), s.specialty_id, s.cohort, False, None,
                   source, batch)


def employment_rows(plan, source, batch):
    """Graduates' destinations on 31 August of their graduation year, as quotas per specialty and year:
    healthy specialties place 92–98 % of their graduates; the planted ones under 75 % in 2026."""
    rng = Random(f"{plan.seed}:employment")
    dept_codes = {d["id"]: d["code"] for d in plan.departments}
    spec_dept = {s["id"]: dept_codes[s["department_id"]] for s in plan.specialties}
    groups = {}
    for s in plan.students:
        if s.status == "graduated":
            groups.setdefault((s.specialty_id, s.cohort), []).append(s)
    placed = (("employed", 70), ("flexible", 12), ("further_study", 12), ("enlisted", 3), ("self_employed", 3))
    n = 0
    for (spec_id, cohort), grads in sorted(groups.items()):
        year = graduation_day(cohort).year
        weak = spec_id in plan.weak_specialties and year == 2026
        share = rng.uniform(0.26, 0.32) if weak else rng.uniform(0.02, 0.07)
        unplaced = set(rng.sample(range(len(grads)), round(len(grads) * share)))
        relevant_share = 0.42 if weak else rng.uniform(0.68, 0.85)
        for i, s in enumerate(grads):
            n += 1
            if i in unplaced:
                yield (n, s.id, year, "unemployed", "", False, None, f"{year}-08-31", source, batch)
                continue
            status = _pick(rng, placed)
            employer = _firm(rng, spec_dept[spec_id]) if status in ("employed", "flexible", "self_employed") else ""
            if status == "further_study":
                employer = rng.choice(("扬州大学", "江苏理工学院", "南京工程学院", "常州工学院"))
            salary = rng.randint(38, 70) * 100 if employer and status != "further_study" else None
            yield (n, s.id, year, status, employer, status != "enlisted" and rng.random() < relevant_share, salary,
                   f"{year}-08-31", source, batch)


def fitness_rows(plan, source, batch):
    rng = Random(f"{plan.seed}:fitness")
    n = 0
    for s in plan.students:
        for year in YEARS:
            day = date(year, 10, 15)
            if not (s.cohort <= year <= s.cohort + 2) or day > s.active_until or day > plan.demo_date:
                continue
            n += 1
            yield (n, s.id, year, f"{min(100, max(40, rng.gauss(76, 8))):.1f}", day.isoformat(), source, batch)


_ACTIVITY = {
    "moral": ("青年志愿者服务", "主题团日活动", "社区公益服务"),
    "intellectual": ("学术讲座", "读书分享会", "创新创业训练营"),
    "physical": ("校运动会", "阳光长跑", "篮球联赛"),
    "aesthetic": ("校园艺术节", "合唱比赛", "书画展"),
    "labour": ("劳动周", "校园绿化劳动", "实训室6S整理"),
}


def activity_rows(plan, source, batch):
    """Second-classroom activity: a couple of records a term per student across the five aspects."""
    rng = Random(f"{plan.seed}:activities")
    aspects = tuple(_ACTIVITY)
    n = 0
    for term in plan.terms:
        last = min(term.end, plan.demo_date)
        for s in plan.students:
            k = term.index_for(s.cohort)
            if not 1 <= k <= 6 or s.active_until < term.start:
                continue
            for _ in range(rng.randint(1, 3)):
                aspect = aspects[int(rng.random() * 5)]
                day = _day(rng, term.start, last)
                n += 1
                yield (n, f"DEKT{n:08d}", s.id, aspect, rng.choice(_ACTIVITY[aspect]), f"{rng.randint(2, 16) / 2:.1f}",
                       day.isoformat(), source, batch)
