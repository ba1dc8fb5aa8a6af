"""HTTP plumbing shared by the API handlers: request bodies in, problem+json out."""
