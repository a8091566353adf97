from django.core.management.base import BaseCommand

from zhengai.datacenter.dictionary import tables, write_dictionary_xlsx


class Command(BaseCommand):
    help = "导出数据字典（Write the data dictionary as .xlsx）"

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="output .xlsx file")

    def handle(self, *args, out, **options):
        write_dictionary_xlsx(out)
        self.stdout.write(f"{out}: {len(tables())} tables")
