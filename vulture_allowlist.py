"""Names vulture reports that an interface requires, though our implementation does not read them.

`make lint` passes this file to vulture with the code; each entry says whose signature it is.
"""

kwargs  # botocore event handlers receive the event's details as keyword arguments
verbose  # importlinter.Contract.check(graph, verbose)
exc  # the context manager protocol's __exit__(exc_type, exc, traceback)
invocation  # the local runtime's invocation listeners receive the invocation
format  # http.server.BaseHTTPRequestHandler.log_message(format, *args)
