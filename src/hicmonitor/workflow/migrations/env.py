"""Alembic's environment for the workflow store: always run on a connection handed in by
:func:`hicmonitor.workflow.db.migrate` (``config.attributes["connection"]``)."""

from __future__ import annotations

from alembic import context

from hicmonitor.workflow.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    transaction_per_migration=True,
)
with context.begin_transaction():
    context.run_migrations()
