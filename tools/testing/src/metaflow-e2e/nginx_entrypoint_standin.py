"""A stand-in for the official nginx image's entrypoint, which the Metaflow UI image keeps.

As that entrypoint does when the command is `nginx`: renders every `*.template` of the templates
folder into the configuration folder (the name without `.template`), replacing `${NAME}` with the
environment variable NAME where it is set, then runs the command. The image's folders
(`/etc/nginx/templates`, `/etc/nginx/conf.d`) are NGINX_STANDIN_TEMPLATES and NGINX_STANDIN_CONF_D.
"""
import os
import re
import sys


def render(text):
    return re.sub(r"\$\{(\w+)\}", lambda m: os.environ.get(m.group(1), m.group(0)), text)


def main(argv):
    if len(argv) > 1 and os.path.basename(argv[1]) == "nginx":
        templates = os.environ["NGINX_STANDIN_TEMPLATES"]
        conf_d = os.environ["NGINX_STANDIN_CONF_D"]
        for name in sorted(os.listdir(templates)):
            if name.endswith(".template"):
                with open(os.path.join(templates, name), encoding="utf-8") as f:
                    text = render(f.read())
                with open(os.path.join(conf_d, name[: -len(".template")]), "w", encoding="utf-8") as f:
                    f.write(text)
    os.execvp(argv[1], argv[1:])


if __name__ == "__main__":
    main(sys.argv)
