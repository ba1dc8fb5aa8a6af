"""What subscriptions and digests share: the mailing list model, messages, links, tokens, templates."""
