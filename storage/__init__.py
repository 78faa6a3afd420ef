"""All SQL lives here: the connection, migrations and one repository module per aggregate.

Repositories take an open connection and never commit; the service that calls them owns the
transaction, so a change and its audit record are written together or not at all.
"""
