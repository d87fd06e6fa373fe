"""Rules over a report: findings, the table rules, the narrative's grammar and text rules, and the counts
kept for lists."""
