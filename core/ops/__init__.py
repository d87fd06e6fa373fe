"""The operations: one owner, free of Qt, for everything a user can do to a report or the library.

- `policy`: the one 定稿 policy and the only way an output gets a 校验码.
- `session`: the open report (edits as undo-able change records, dismissals, restore, 定稿).
- `library`: the reports of a database (create with last year's carry-over, import, rename, delete…).
- `carry`: a new year's report started from last year's (which cells carry over, read from the format).
- `backups`: the rotating backups of the database, and restoring one.
- `handles`: what the window holds of the storage (the database handle it passes to the operations).

Each returns data — what changed, findings, what to ask — and the window, the command line and the desk
call the same operations; the UI only asks the person and forwards the answer.
"""
