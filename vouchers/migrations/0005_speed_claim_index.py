# The sync's claim reads only the rows it takes (vouchers/models.py). The new index first,
# so the claim never runs without one.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('vouchers', '0004_device_binding'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='voucher',
            index=models.Index(fields=['batch', 'radius_sync_status', 'id'], name='voucher_batch_sync_id_idx'),
        ),
        migrations.RemoveIndex(
            model_name='voucher',
            name='voucher_batch_sync_idx',
        ),
    ]
