"""The 2021 national format (国办公开办函〔2021〕30号), declared once.

Every label here is the official wording, character for character. The layout grids are generated
from the row declarations by the small builders below, so the merged label area of table B follows
from each row's label path. (Long because it is the format itself: every label, cell and sum as data.)
"""

from __future__ import annotations

from collections.abc import Sequence

from core.format.definition import (
    Column,
    DraftBlock,
    GridCell,
    KeyFigure,
    ReportFormat,
    Row,
    Rule,
    Section,
    SumCheck,
    Table,
    Term,
    TextPhrase,
    YearCheck,
)


def _header(text: str, rowspan: int = 1, colspan: int = 1) -> GridCell:
    return GridCell(role="header", text=text, rowspan=rowspan, colspan=colspan)


def _label(text: str, rowspan: int = 1, colspan: int = 1) -> GridCell:
    return GridCell(role="label", text=text, rowspan=rowspan, colspan=colspan)


def _value(address: str, colspan: int = 1) -> GridCell:
    return GridCell(role="value", address=address, colspan=colspan)


# ---------------------------------------------------------------- table A (section 二)

_A_BLOCKS: tuple[tuple[str, tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]], ...] = (
    # (article item, ((column key, column header), …), ((row key, row label), …))
    (
        "第二十条第（一）项",
        (("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数")),
        (("regulations", "规章"), ("normative_documents", "行政规范性文件")),
    ),
    ("第二十条第（五）项", (("decisions", "本年处理决定数量"),), (("licensing", "行政许可"),)),
    (
        "第二十条第（六）项",
        (("decisions", "本年处理决定数量"),),
        (("penalty", "行政处罚"), ("coercion", "行政强制")),
    ),
    ("第二十条第（八）项", (("amount", "本年收费金额（单位：万元）"),), (("fees", "行政事业性收费"),)),
)


# The 2019 template's section-two columns (国办公开办函〔2019〕60号): only what means the same carries.
_A_2019_COLUMNS = (
    ("本年新制作数量", "issued"),
    ("本年新公开数量", ""),
    ("对外公开总数量", ""),
    ("上一年项目数量", ""),
    ("本年增/减", ""),
    ("处理决定数量", "decisions"),
    ("采购项目数量", ""),
    ("采购总金额", ""),
)


def _table_a() -> Table:
    width = 3  # number columns; a block with one column spans all three
    lines: list[tuple[GridCell, ...]] = []
    rows: list[Row] = []
    columns: dict[str, Column] = {}
    for item, cols, block_rows in _A_BLOCKS:
        span = width // len(cols)
        lines.append((_header(item, colspan=1 + width),))
        lines.append((_header("信息内容"), *(_header(name, colspan=span) for _, name in cols)))
        for key, _name in cols:
            columns.setdefault(key, Column(key=key, name=_name, kind="money" if key == "amount" else "count"))
        for row_key, label in block_rows:
            rows.append(Row(key=row_key, name=label, title=label, columns=tuple(k for k, _ in cols)))
            lines.append(
                (_label(label), *(_value(f"active_disclosure.{row_key}.{k}", colspan=span) for k, _ in cols))
            )
    return Table(
        key="active_disclosure",
        section="二",
        columns=tuple(columns.values()),
        rows=tuple(rows),
        grid_columns=1 + width,
        header_lines=0,
        lines=tuple(lines),
        print_column_widths=(0.28, 0.24, 0.24, 0.24),
        print_label_align="center",  # A's short labels are centred, as printed
        older_columns=_A_2019_COLUMNS,
    )


# ---------------------------------------------------------------- table B (section 三)

_B_COLUMNS = (
    Column(key="natural_person", name="自然人"),
    Column(key="commercial", name="商业企业"),
    Column(key="research", name="科研机构"),
    Column(key="social_welfare", name="社会公益组织"),
    Column(key="legal_service", name="法律服务机构"),
    Column(key="other", name="其他"),
    Column(key="total", name="总计"),
)
_B_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
_B_RESULTS = "三、本年度办理结果"
_B_GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    # (key prefix, group label, item labels) for the result groups that have numbered items
    (
        "3.3",
        "（三）不予公开",
        (
            "1.属于国家秘密",
            "2.其他法律行政法规禁止公开",
            "3.危及“三安全一稳定”",
            "4.保护第三方合法权益",
            "5.属于三类内部事务信息",
            "6.属于四类过程性信息",
            "7.属于行政执法案卷",
            "8.属于行政查询事项",
        ),
    ),
    (
        "3.4",
        "（四）无法提供",
        ("1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确"),
    ),
    (
        "3.5",
        "（五）不予处理",
        (
            "1.信访举报投诉类申请",
            "2.重复申请",
            "3.要求提供公开出版物",
            "4.无正当理由大量反复申请",
            "5.要求行政机关确认或重新出具已获取信息",
        ),
    ),
    (
        "3.6",
        "（六）其他处理",
        (
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            "3.其他",
        ),
    ),
)


def _b_row_paths() -> list[tuple[str, str, tuple[str, ...]]]:
    """(row key, short name, label path) in official order; the path drives the merged label area."""
    paths: list[tuple[str, str, tuple[str, ...]]] = [
        ("1", "一", ("一、本年新收政府信息公开申请数量",)),
        ("2", "二", ("二、上年结转政府信息公开申请数量",)),
        ("3.1", "三（一）", (_B_RESULTS, "（一）予以公开")),
        ("3.2", "三（二）", (_B_RESULTS, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）")),
    ]
    for prefix, group, items in _B_GROUPS:
        for n, item in enumerate(items, start=1):
            paths.append((f"{prefix}.{n}", f"三{group[:3]}{n}", (_B_RESULTS, group, item)))
    paths.append(("3.7", "三（七）总计", (_B_RESULTS, "（七）总计")))
    paths.append(("4", "四", ("四、结转下年度继续办理",)))
    return paths


def _label_cells(paths: Sequence[tuple[str, ...]], depth: int) -> list[list[GridCell]]:
    """Label cells per row: equal path prefixes merge down, a short path's last label spans right."""
    cells: list[list[GridCell]] = [[] for _ in paths]
    for i, path in enumerate(paths):
        for level, text in enumerate(path):
            if i > 0 and paths[i - 1][: level + 1] == path[: level + 1] and level < len(path) - 1:
                continue  # merged into the cell above
            rowspan = 1
            if level < len(path) - 1:
                while i + rowspan < len(paths) and paths[i + rowspan][: level + 1] == path[: level + 1]:
                    rowspan += 1
            colspan = depth - level if level == len(path) - 1 else 1
            cells[i].append(_label(text, rowspan=rowspan, colspan=colspan))
    return cells


def _table_b() -> Table:
    paths = _b_row_paths()
    col_keys = tuple(c.key for c in _B_COLUMNS)
    labels = _label_cells([p for _, _, p in paths], depth=3)
    header = (
        (GridCell(role="corner", text=_B_CORNER, rowspan=3, colspan=3), _header("申请人情况", colspan=7)),
        (_header("自然人", rowspan=2), _header("法人或其他组织", colspan=5), _header("总计", rowspan=2)),
        tuple(_header(c.name) for c in _B_COLUMNS[1:6]),
    )
    body = tuple(
        (*label_cells, *(_value(f"requests.{key}.{c}") for c in col_keys))
        for (key, _, _), label_cells in zip(paths, labels, strict=True)
    )
    rows = tuple(
        Row(
            key=key,
            name=name,
            title=path[0] if len(path) == 1 else name[:1] + "".join(path[1:]),
            columns=col_keys,
        )
        for key, name, path in paths
    )
    return Table(
        key="requests",
        section="三",
        columns=_B_COLUMNS,
        rows=rows,
        grid_columns=10,
        header_lines=3,
        lines=(*header, *body),
        corner_note=_B_CORNER,
        # A narrow column for 三、本年度办理结果 (it spans 21 rows), the result groups, the item labels
        # (set flush left, the long ones wrap), then seven number columns wide enough for three
        # characters of a header (自然人) on one line.
        print_column_widths=(0.06, 0.12, 0.2565, *([0.5635 / 7] * 7)),
    )


# ---------------------------------------------------------------- table C (section 四)

_C_COLUMNS = (
    Column(key="upheld", name="结果维持"),
    Column(key="corrected", name="结果纠正"),
    Column(key="other", name="其他结果"),
    Column(key="pending", name="尚未审结"),
    Column(key="total", name="总计"),
)
_C_GROUPS = (
    ("review", "行政复议"),
    ("litigation_direct", "行政诉讼（未经复议直接起诉）"),
    ("litigation_after_review", "行政诉讼（复议后起诉）"),
)


def _table_c() -> Table:
    col_keys = tuple(c.key for c in _C_COLUMNS)
    lines = (
        (_header("行政复议", rowspan=2, colspan=5), _header("行政诉讼", colspan=10)),
        (_header("未经复议直接起诉", colspan=5), _header("复议后起诉", colspan=5)),
        tuple(_header(c.name) for _ in _C_GROUPS for c in _C_COLUMNS),
        tuple(_value(f"review_litigation.{g}.{c}") for g, _ in _C_GROUPS for c in col_keys),
    )
    return Table(
        key="review_litigation",
        section="四",
        columns=_C_COLUMNS,
        rows=tuple(Row(key=g, name=name, title=name, columns=col_keys) for g, name in _C_GROUPS),
        grid_columns=15,
        header_lines=3,
        lines=lines,
    )


# ---------------------------------------------------------------- checks


def _row_totals(table: Table, rule: str) -> list[SumCheck]:
    """In every row: the total column = the sum of the other columns."""
    checks = []
    for row in table.rows:
        *parts, total = row.columns
        checks.append(
            SumCheck(
                rule=rule,
                context=f"「{row.title}」行",
                left=(Term(address=f"{table.key}.{row.key}.{total}", name=table.column(total).name),),
                right=tuple(
                    Term(address=f"{table.key}.{row.key}.{c}", name=table.column(c).name) for c in parts
                ),
                derives=True,
            )
        )
    return checks


def _b_column_checks(table: Table) -> list[SumCheck]:
    """Per column of B: （七）总计 = all result rows; 一 + 二 = （七）总计 + 四."""
    names = {r.key: r.name for r in table.rows}
    results = [r.key for r in table.rows if r.key.startswith("3.") and r.key != "3.7"]
    checks = []
    for column in table.columns:

        def term(row_key: str, column_key: str = column.key) -> Term:
            return Term(address=f"requests.{row_key}.{column_key}", name=names[row_key])

        checks.append(
            SumCheck(
                rule="B.RESULT_TOTAL",
                context=f"{column.name}列",
                left=(term("3.7"),),
                right=tuple(term(k) for k in results),
                derives=True,
            )
        )
    for column in table.columns:
        checks.append(
            SumCheck(
                rule="B.BALANCE",
                context=f"{column.name}列",
                left=tuple(Term(address=f"requests.{k}.{column.key}", name=names[k]) for k in ("1", "2")),
                right=tuple(Term(address=f"requests.{k}.{column.key}", name=names[k]) for k in ("3.7", "4")),
            )
        )
    return checks


def _year_checks(b: Table) -> list[YearCheck]:
    carry = [
        YearCheck(
            rule="YEAR.CARRY_OVER",
            context=f"第三部分「二、上年结转」{c.name}列",
            basis="上年「四、结转下年度继续办理」",
            cell=f"requests.2.{c.key}",
            previous=f"requests.4.{c.key}",
        )
        for c in b.columns
    ]
    in_force = [
        YearCheck(
            rule="YEAR.IN_FORCE",
            context=f"第二部分「{label}」现行有效件数",
            basis="上年现行有效件数",
            cell=f"active_disclosure.{key}.in_force",
            previous=f"active_disclosure.{key}.in_force",
            plus=(f"active_disclosure.{key}.issued",),
            minus=(f"active_disclosure.{key}.repealed",),
        )
        for key, label in _A_BLOCKS[0][2]
    ]
    return carry + in_force


# ---------------------------------------------------------------- the narrative (TEXT.*, drafting)

_A = "active_disclosure"
_NEW = ("requests.1.total",)
_NEW_AND_CARRIED = ("requests.1.total", "requests.2.total")
_DONE = ("requests.3.7.total",)
_REVIEW = ("review_litigation.review.total",)
_DIRECT = ("review_litigation.litigation_direct.total",)
_AFTER = ("review_litigation.litigation_after_review.total",)
_ABOUT_DISCLOSURE = "信息公开|依申请"
_ABOUT_REQUESTS = "申请"
# a denial: 未/没有/无, but not 未经复议, 尚未审结 or 无法/无论 (which deny nothing about a count)
_NO = "(?:(?<!尚)未(?!经|审|结|办)|没有|无(?=因|行政|政府信息公开|依申请))(?:发生|收到|出现|接到|受理)?"
_NOT_LOST = "(?![^，。；]{0,4}(?:纠错|纠正|败诉))"  # 「未发生行政复议被纠错」 denies a loss, not the cases
_DOCS = "(?:行政)?规范性文件"


def _result_sum(prefix: str, count: int) -> tuple[str, ...]:
    return tuple(f"requests.{prefix}.{n}.total" for n in range(1, count + 1))


# How agencies word what the tables count (TEXT.NUMBER grows by these classes, not by sentences):
_UNIT = "(?:件|起|宗)"  # a count of requests or cases takes any of these measure words (「行政复议3起」)
_REQUEST = "(?:政府)?(?:信息)?公开申请"  # 政府信息公开申请 and its abbreviations (「公开申请12件」)
# Each result item of table 三 in the words running text uses for it (「因信息不存在答复5件」); an item
# named with its number stays a table label, not a sentence.
_B_ITEM_WORDS: dict[str, str] = {
    "3.3.1": "国家秘密",
    "3.3.2": "法律行政法规禁止公开",
    "3.3.3": "三安全一稳定",
    "3.3.4": "第三方合法权益",
    "3.3.5": "内部事务信息",
    "3.3.6": "过程性信息",
    "3.3.7": "行政执法案卷",
    "3.3.8": "行政查询事项",
    "3.4.1": "(?:不掌握(?:相关)?(?:政府)?信息|信息不存在)",
    "3.4.2": "(?:没有现成信息|需(?:要)?另行制作)",
    "3.4.3": "申请内容(?:仍)?不明确",
    "3.5.1": "信访举报投诉",
    "3.5.2": "重复申请",
    "3.5.3": "公开出版物",
    "3.5.4": "大量反复申请",
    "3.5.5": "确认或重新出具",
    "3.6.1": "逾期不补正",
    "3.6.2": "逾期未(?:按收费通知要求)?缴纳费用",
}


def _phrase(
    topic: str, pattern: str, *readings: tuple[str, ...], context: str = "", unless: str = ""
) -> TextPhrase:
    pattern = pattern.replace("{N}件", "{N}" + _UNIT)  # the measure word of a count is any of _UNIT
    return TextPhrase(topic=topic, pattern=pattern, readings=readings, context=context, unless=unless)


def _text_phrases() -> tuple[TextPhrase, ...]:
    """The sentences TEXT.NUMBER understands. Numbers in a sentence no phrase covers are never read.

    Each pattern is as narrow as the published reports allow: 「依申请公开信息数311条」 (documents),
    「受理网络问政182件」, 「信息处理费380元」 (not 行政事业性收费), 「行政规范性文件等243件」 match none.
    「受理…申请N件」 may count this year's new requests or new + carried over: either reading agrees.
    """
    new = "本年新收政府信息公开申请"
    handled = "办理政府信息公开申请"
    carried, forward = ("requests.2.total",), ("requests.4.total",)
    suits = (_DIRECT + _AFTER, _DIRECT, _AFTER)  # 行政诉讼 may mean both kinds, or the one that has cases
    about = {"context": _ABOUT_REQUESTS}
    return (
        _phrase(
            new,
            r"(?:受理|收到|接收|接到)[^，。；]{0,20}?" + _REQUEST + r"(?:共计|共|合计)?{N}件",
            _NEW,
            _NEW_AND_CARRIED,
        ),
        _phrase(
            new,
            r"(?:受理|收到|接收)(?:政府信息)?依申请公开(?:申请|事项)?(?:共计|共)?{N}件",
            _NEW,
            _NEW_AND_CARRIED,
        ),
        _phrase(
            new,
            r"(?:受理|收到|接收)(?:各类)?{N}件(?:政府信息公开|依申请公开)?申请(?!人)",
            _NEW,
            _NEW_AND_CARRIED,
        ),
        _phrase(
            new,
            _NO + r"(?:任何)?(?:政府信息公开申请|依申请公开(?:申请|事宜|事项)?)(?![人类])",
            _NEW,
            _NEW_AND_CARRIED,
        ),
        _phrase(
            handled, r"办理[^，。；]{0,12}?" + _REQUEST + r"(?:共计|共)?{N}件", _NEW, _NEW_AND_CARRIED, _DONE
        ),
        _phrase(
            handled,
            r"{N}件(?:政府信息)?公开申请均(?:已|在法定[期时]限内)?办(?:结|理)",
            _NEW,
            _NEW_AND_CARRIED,
            _DONE,
        ),
        _phrase(
            "办结政府信息公开申请",
            r"办结(?:政府信息依申请公开|" + _REQUEST + r"|依申请公开(?:申请)?|申请)?(?:共)?{N}件",
            _DONE,
            **about,
        ),
        _phrase("上年结转政府信息公开申请", r"上年(?:度)?结转(?:申请)?(?:共)?{N}件", carried, **about),
        _phrase("结转下年度继续办理", r"结转下(?:一)?年(?:度)?(?:继续办理)?(?:共)?{N}件", forward, **about),
        _phrase("结转下年度继续办理", r"{N}件(?:申请)?结转下(?:一)?年", forward, **about),
        _phrase("予以公开", r"予以公开{N}件", ("requests.3.1.total",), **about),
        _phrase("部分公开", r"(?<![及和])部分公开{N}件", ("requests.3.2.total",), **about),
        _phrase(
            "予以公开及部分公开",
            r"予以公开(?:及|和)部分公开{N}件",
            ("requests.3.1.total", "requests.3.2.total"),
            **about,
        ),
        # 不予公开N件, 无法提供N件, …: each result group of table 三 against the sum of its items
        *(
            _phrase(group[3:], group[3:] + "{N}件", _result_sum(prefix, len(items)), **about)
            for prefix, group, items in _B_GROUPS
        ),
        # …and each item of those groups in running text: 「因信息不存在答复5件」, 「属于国家秘密的2件」
        *(
            _phrase(
                items[int(key.rsplit(".", 1)[1]) - 1][2:],
                # 「重复申请等不予处理80件」 counts a list of items, not this one
                r"(?<![\d.])" + words + r"[^，。；、等及和与\d]{0,6}?{N}件",
                (f"requests.{key}.total",),
                **about,
            )
            for prefix, _, items in _B_GROUPS
            for key, words in _B_ITEM_WORDS.items()
            if key.startswith(prefix + ".")
        ),
        _phrase(
            "政府信息公开行政复议", r"行政复议(?:案件|申请)?(?:共)?{N}件", _REVIEW, context=_ABOUT_DISCLOSURE
        ),
        _phrase("政府信息公开行政复议", _NO + r"[^，。；]{0,20}?行政复议" + _NOT_LOST, _REVIEW),
        _phrase("政府信息公开行政诉讼", r"行政诉讼(?:案件)?(?:共)?{N}件", *suits, context=_ABOUT_DISCLOSURE),
        _phrase("政府信息公开行政诉讼", _NO + r"[^，。；]{0,30}?行政诉讼" + _NOT_LOST, *suits),
        _phrase(
            "本年制发行政规范性文件",
            r"制发(?:的)?" + _DOCS + r"(?:共)?{N}件",
            (f"{_A}.normative_documents.issued",),
        ),
        _phrase(
            "本年废止行政规范性文件",
            r"废止(?:的)?" + _DOCS + r"(?:共)?{N}件",
            (f"{_A}.normative_documents.repealed",),
        ),
        _phrase(
            "现行有效行政规范性文件",
            r"现行有效(?:的)?" + _DOCS + r"(?:共)?{N}件",
            (f"{_A}.normative_documents.in_force",),
        ),
        _phrase(
            "现行有效行政规范性文件",
            r"现行有效(?:件数)?(?:为|共)?{N}件",
            (f"{_A}.normative_documents.in_force",),
            context="规范性文件",
            unless="规章",
        ),
        _phrase("本年制发规章", r"制发(?:的)?(?:政府)?规章(?:共)?{N}件", (f"{_A}.regulations.issued",)),
        _phrase("本年废止规章", r"废止(?:的)?(?:政府)?规章(?:共)?{N}件", (f"{_A}.regulations.repealed",)),
        _phrase("现行有效规章", r"现行有效(?:的)?(?:政府)?规章(?:共)?{N}件", (f"{_A}.regulations.in_force",)),
        _phrase("行政许可处理决定", r"行政许可(?:决定)?(?:共)?{N}件", (f"{_A}.licensing.decisions",)),
        _phrase("行政处罚处理决定", r"行政处罚(?:决定)?(?:共)?{N}件", (f"{_A}.penalty.decisions",)),
        _phrase("行政强制处理决定", r"行政强制(?:决定)?(?:共)?{N}件", (f"{_A}.coercion.decisions",)),
        _phrase("行政事业性收费", r"行政事业性收费(?:金额)?(?:共计|共|为)?{N}万元", (f"{_A}.fees.amount",)),
        _phrase(
            "行政事业性收费",
            r"(?:未|没有|无)(?:收取|产生|发生)(?:任何)?行政事业性收费",
            (f"{_A}.fees.amount",),
        ),
    )


def _list(prefix: str, parts: Sequence[tuple[str, str]]) -> str:
    return "{list:" + "|".join([prefix, *(f"{label}={cells}" for label, cells in parts)]) + "}"


def _draft_blocks(b: Table) -> tuple[DraftBlock, ...]:
    """「根据表格生成」: the standard number sentences, worded so that TEXT.NUMBER reads them back."""
    applicants = [(c.name, f"requests.1.{c.key}") for c in b.columns if c.key != "total"]
    # （一）予以公开, （二）部分公开（区分处理的…）: the label without its number and its remark
    results = [(path[-1][3:].split("（")[0], f"requests.{key}.total") for key, _, path in _b_row_paths()[2:4]]
    results += [(group[3:], "+".join(_result_sum(prefix, len(items)))) for prefix, group, items in _B_GROUPS]
    a = _A
    return (
        DraftBlock(
            text_key="overview",
            heading="（一）主动公开",
            templates=(
                f"{{year}}年，本机关制发规章{{{a}.regulations.issued}}件、废止规章{{{a}.regulations.repealed}}件，"
                f"现行有效规章{{{a}.regulations.in_force}}件；制发行政规范性文件{{{a}.normative_documents.issued}}件、"
                f"废止行政规范性文件{{{a}.normative_documents.repealed}}件，"
                f"现行有效行政规范性文件{{{a}.normative_documents.in_force}}件。",
                f"作出行政许可决定{{{a}.licensing.decisions}}件、行政处罚决定{{{a}.penalty.decisions}}件、"
                f"行政强制决定{{{a}.coercion.decisions}}件，行政事业性收费{{{a}.fees.amount}}万元。",
            ),
        ),
        DraftBlock(
            text_key="overview",
            heading="（二）依申请公开",
            templates=(
                "{year}年，本机关共收到政府信息公开申请{requests.1.total}件"
                + _list("，其中", applicants)
                + "；上年结转{requests.2.total}件。办结政府信息公开申请{requests.3.7.total}件"
                + _list("，其中", results)
                + "；结转下年度继续办理{requests.4.total}件。",
                "因政府信息公开被申请行政复议{review_litigation.review.total}件，被提起行政诉讼"
                "{review_litigation.litigation_direct.total+review_litigation.litigation_after_review.total}件。",
            ),
        ),
    )


_FIXED_SENTENCES = ("现将有关情况报告如下", "现将本年度政府信息公开工作情况报告如下")


# The rules of exchange-format.md with their severities: an error must be mended before a 定稿; a
# warning asks the user to look (it may be right, e.g. a carry-over changed by a reorganisation).
_ERRORS = ("B.BALANCE", "B.ROW_TOTAL", "B.RESULT_TOTAL", "C.TOTAL", "VALUE.RANGE")
_WARNINGS = ("BLANK", "YEAR.CARRY_OVER", "YEAR.IN_FORCE")
_TEXT_WARNINGS = ("TEXT.NUMBER", "TEXT.YEAR", "TEXT.COPIED", "TEXT.EMPTY")  # the narrative can be misread
_RULE_NAMES = {
    "B.BALANCE": "表三收支平衡",
    "B.ROW_TOTAL": "表三行合计",
    "B.RESULT_TOTAL": "表三办理结果合计",
    "C.TOTAL": "表四合计",
    "VALUE.RANGE": "数值范围",
    "BLANK": "未填写的单元格",
    "YEAR.CARRY_OVER": "上年结转",
    "YEAR.IN_FORCE": "现行有效件数",
    "TEXT.NUMBER": "文字中的数字与表格不符",
    "TEXT.YEAR": "文字中的年度",
    "TEXT.COPIED": "与上年报告雷同",
    "TEXT.EMPTY": "存在的主要问题未写",
}
_RULES = (
    *(Rule(id=r, severity="error", name=_RULE_NAMES[r]) for r in _ERRORS),
    *(Rule(id=r, severity="warning", name=_RULE_NAMES[r]) for r in (*_WARNINGS, *_TEXT_WARNINGS)),
)


def build() -> ReportFormat:
    table_a, table_b, table_c = _table_a(), _table_b(), _table_c()
    # Result totals come first: （七）总计's own 总计 is then derived from the result rows' totals.
    checks = [
        *_b_column_checks(table_b),
        *_row_totals(table_b, "B.ROW_TOTAL"),
        *_row_totals(table_c, "C.TOTAL"),
    ]
    return ReportFormat(
        id="2021",
        basis="国办公开办函〔2021〕30号",
        title_template="{agency}{year}年政府信息公开工作年度报告",
        subject="政府信息公开工作年度报告",
        title_words=("政府信息公开", "报告"),
        money_unit="万元",
        money_decimals=6,  # to the 分: published reports give 24252.311082 万元
        count_limit=10**9,
        sections=(
            Section(
                number="一",
                heading="总体情况",
                text_key="overview",
                opening=True,
                starter_subheadings=(
                    "（一）主动公开情况",
                    "（二）依申请公开情况",
                    "（三）政府信息管理情况",
                    "（四）政府信息公开平台建设情况",
                    "（五）监督保障情况",
                ),
            ),
            Section(number="二", heading="主动公开政府信息情况", table_key="active_disclosure"),
            Section(number="三", heading="收到和处理政府信息公开申请情况", table_key="requests"),
            Section(number="四", heading="政府信息公开行政复议、行政诉讼情况", table_key="review_litigation"),
            Section(number="五", heading="存在的主要问题及改进情况", text_key="problems", required=True),
            Section(number="六", heading="其他需要报告的事项", text_key="other"),
        ),
        tables=(table_a, table_b, table_c),
        rules=_RULES,
        checks=tuple(checks),
        year_checks=tuple(_year_checks(table_b)),
        text_phrases=_text_phrases(),
        fixed_sentences=_FIXED_SENTENCES,
        draft_blocks=_draft_blocks(table_b),
        key_figures=(
            KeyFigure(name="新收申请", cells=_NEW),
            KeyFigure(name="办结", cells=_DONE),
            KeyFigure(name="复议", cells=_REVIEW),
            KeyFigure(name="诉讼", cells=_DIRECT + _AFTER),
        ),
    )
