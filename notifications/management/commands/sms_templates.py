from django.conf import settings
from django.core.management.base import BaseCommand

from notifications.sms.templates import sms_templates


class Command(BaseCommand):
    help = (
        "列出要向阿里云或腾讯云申请的短信模板及其配置 "
        "List the SMS templates to submit to Aliyun or Tencent Cloud, and the codes configured for them"
    )

    def handle(self, *args, **options):
        configured = getattr(settings, "SMS_TEMPLATES", {})
        for name, template in sorted(sms_templates().items()):
            self.stdout.write(f"{name}  ({template.description})")
            self.stdout.write(f"  SMS_TEMPLATES[{name!r}] = {configured.get(name, '')!r}")
            self.stdout.write(f"  阿里云 Aliyun:  {template.text}")
            self.stdout.write(f"  腾讯云 Tencent: {template.tencent_text}")
            self.stdout.write(f"  参数 params:    {', '.join(template.params)}")
