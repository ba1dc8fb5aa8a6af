"""Deleting the stack cleanly: its buckets emptied when, and only when, the stack is deleted."""
