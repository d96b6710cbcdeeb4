"""`tongxin similarity_rebuild [--committee ID]`: rebuild the similarity index from the database."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tongxin.org.models import Committee
from tongxin.similarity.services import index_rebuild


class Command(BaseCommand):
    help = "Rebuild the similarity index of one committee, or of every committee."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--committee", type=int, help="committee id (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        ids = (
            [options["committee"]]
            if options["committee"]
            else list(Committee.objects.values_list("pk", flat=True))
        )
        for committee_id in ids:
            count = index_rebuild(committee_id=committee_id)
            self.stdout.write(f"committee {committee_id}: {count} proposals indexed")
