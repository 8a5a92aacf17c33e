from django.db import migrations, models


class Migration(migrations.Migration):
    """One account per *verified* number: a number typed at sign-up and never verified no longer keeps
    the real owner out (common.user_phones takes it over when its owner verifies it)."""

    dependencies = [
        ("common", "0003_wechat_identity"),
    ]

    operations = [
        migrations.AlterField(
            model_name="userphone",
            name="number",
            field=models.CharField(
                db_index=True, help_text="E.164", max_length=16, verbose_name="手机号 phone number"
            ),
        ),
        migrations.AddConstraint(
            model_name="userphone",
            constraint=models.UniqueConstraint(
                condition=models.Q(("verified", True)),
                fields=("number",),
                name="user_phone_verified_is_unique",
            ),
        ),
    ]
