"""The collection desk (汇总台): a county office receives its departments' reports, sees who is missing
and who is wrong, and adds them up. Pure logic, no Qt; the CLI (`desk`, `sum`) and the app present it.

One module per concern (see docs/desk-design.md):

- `names`: matching an agency's spellings to the roster (asked, never guessed);
- `roster_file`: reading a roster file (header row, name column, contact columns);
- `roster`: the kept roster (numbers, columns, renames) and the desk's memory;
- `receiving`: exchange files, 报送 packages and published reports coming in, each on its own;
- `marks`: the mark a 汇总 written by the app carries in every form, so the desk never counts it;
- `standing`: which file stands for an agency and year (duplicates, conflicts, wrong years);
- `board`: one row per agency for a year, from a folder or a database, with conflicts and wrong years;
- `session`: one desk over a folder or a database (what the app and `main.py desk` drive);
- `sums`, `included`: the 汇总 and the list of the reports it includes;
- `years`, `years_pdf`: year over year (同比);
- `tables`: the board and lists as the screen and Excel show them;
- `package`, `review`: the 报送 package a department sends; 核对读入 of published files.

The public names are re-exported here, so `from core import desk; desk.make_board(...)` works.
"""

from __future__ import annotations

from core.desk.board import (
    BOARD_FILTERS,
    DRAFT,
    FINAL,
    MISSING,
    Board,
    BoardFilter,
    BoardRow,
    Status,
    confirm_code,
    database_board,
    database_memory,
    keep_in_database,
    load_row,
    make_board,
    needs_review,
    open_desk,
    received_names,
    standing_reports,
    to_review,
)
from core.desk.names import Match, Matcher, normalize_name
from core.desk.package import SendPlan, package_bytes, package_name, send_plan, write_package
from core.desk.receiving import (
    MANIFEST,
    PACKAGE_SCHEMA,
    REVIEWED,
    Received,
    Unusable,
    is_reviewed,
    receive,
    receive_all,
    report_files,
    reviewed_path,
    take_file,
)
from core.desk.review import Published, original_of, read_published, reviewable, save_reviewed
from core.desk.roster import MEMORY_FILE, Memory, Roster, RosterEntry, typed_key
from core.desk.roster_file import RosterFile, read_roster, read_roster_file
from core.desk.session import DeskSession
from core.desk.sums import (
    SendBack,
    SumResult,
    add_up,
    add_up_stored,
    make_stored_sum,
    make_sum,
    send_back,
    write_sum,
)
from core.desk.tables import (
    BOARD_HEADERS,
    SEND_BACK_HEADERS,
    board_cells,
    chase_table,
    send_back_cells,
    tab_text,
    table_pdf,
    table_xlsx,
)
from core.desk.years import (
    JUMP_FACTOR,
    JUMP_MINIMUM,
    Change,
    YearsCompared,
    compare_years,
    is_jump,
    key_figure_colours,
    key_figure_names,
    key_figures,
    year_over_year,
)

__all__ = [
    "BOARD_FILTERS",
    "BOARD_HEADERS",
    "DRAFT",
    "FINAL",
    "JUMP_FACTOR",
    "JUMP_MINIMUM",
    "MANIFEST",
    "MEMORY_FILE",
    "MISSING",
    "PACKAGE_SCHEMA",
    "REVIEWED",
    "SEND_BACK_HEADERS",
    "Board",
    "BoardFilter",
    "BoardRow",
    "Change",
    "DeskSession",
    "Match",
    "Matcher",
    "Memory",
    "Published",
    "Received",
    "Roster",
    "RosterEntry",
    "RosterFile",
    "SendBack",
    "SendPlan",
    "Status",
    "SumResult",
    "Unusable",
    "YearsCompared",
    "add_up",
    "add_up_stored",
    "board_cells",
    "chase_table",
    "compare_years",
    "confirm_code",
    "database_board",
    "database_memory",
    "is_jump",
    "is_reviewed",
    "keep_in_database",
    "key_figure_colours",
    "key_figure_names",
    "key_figures",
    "load_row",
    "make_board",
    "make_stored_sum",
    "make_sum",
    "needs_review",
    "normalize_name",
    "open_desk",
    "original_of",
    "package_bytes",
    "package_name",
    "read_published",
    "read_roster",
    "read_roster_file",
    "receive",
    "receive_all",
    "received_names",
    "report_files",
    "reviewable",
    "reviewed_path",
    "save_reviewed",
    "send_back",
    "send_back_cells",
    "send_plan",
    "standing_reports",
    "tab_text",
    "table_pdf",
    "table_xlsx",
    "take_file",
    "to_review",
    "typed_key",
    "write_package",
    "write_sum",
    "year_over_year",
]  # fmt: skip
