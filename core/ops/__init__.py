"""The operations: one owner, free of Qt, for everything a user can do to a report or the library.

- `policy`: the one 定稿 policy and the only way an output gets a 校验码.
- `session`: the open report (edits as undo-able change records, dismissals, restore, 定稿).
- `library`: the reports of a database (create with last year's carry-over, import, rename, delete…).

Each returns data — what changed, findings, what to ask — and the window, the command line and the desk
call the same operations; the UI only asks the person and forwards the answer.
"""
