"""The access check: what an environment grants works end to end, and nothing else is reachable.

world (the synthesized layers, references resolved) -> model (roles, resource policies, keys) ->
uses (what the environment declares) -> check (both sides, and the report). policy evaluates one
request the way AWS documents it."""
