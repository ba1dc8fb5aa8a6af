"""Readers' subscriptions: double opt-in, preferences, one-click unsubscribe, suppression."""
