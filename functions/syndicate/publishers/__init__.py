"""Publishers and their API keys."""
