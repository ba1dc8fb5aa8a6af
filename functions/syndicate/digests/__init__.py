"""Email digests: editions (cadence x categories) rendered once, personalised per recipient."""
