from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="organization", name="time_zone",
            field=models.CharField(default="UTC", max_length=64),
        ),
    ]
