"""Alembic environment: migrates the database named by DATABASE_URL."""
from logging.config import fileConfig

from alembic import context

import staff.models  # noqa: F401  (puts the staff tables on Base.metadata)
import wijkveiligheid.inzichten  # noqa: F401  (the question counts)
from wijkveiligheid.models import Base
from wijkveiligheid.storage import database_url, engine_for

if context.config.config_file_name is not None:
    fileConfig(context.config.config_file_name, disable_existing_loggers=False)

url = context.config.get_main_option("sqlalchemy.url") or database_url()


def run_migrations_offline() -> None:
    context.configure(url=url, target_metadata=Base.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    with engine_for(url).connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
