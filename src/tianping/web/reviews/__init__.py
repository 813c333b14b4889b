"""Ethics review: committees and review centres, applications, meetings, votes, expert re-review."""
