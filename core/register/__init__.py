"""The request register (依申请公开登记台账): requests and cases kept all year, their deadlines on the
working-day calendar, and table 三 and 四 counted from them (docs/register.md). No Qt here."""
