# Joins two migrations made side by side (the batch admin name and the sync claim index).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('vouchers', '0005_screens_batch_plural'),
        ('vouchers', '0005_speed_claim_index'),
    ]

    operations = [
    ]
