"""One module per Lambda function. Each is thin: decorators, parse, one call, map to a response."""
