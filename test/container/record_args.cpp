// Stands in for a task executable in the Dockerfile-escaping image: the
// Dockerfile's self-check step (RUN, exec form) runs it while the image is
// built, and it records the arguments it was given, as a JSON array, in
// /check-args.json, for run-e2e.sh to compare with the task names the
// fixture wrote. Built static (the base is busybox).
#include <cstdio>

int main(int argc, char **argv) {
  std::FILE *out = std::fopen("/check-args.json", "w");
  if (!out)
    return 1;
  std::fputc('[', out);
  for (int i = 1; i < argc; ++i) {
    std::fputs(i > 1 ? ", \"" : "\"", out);
    for (const unsigned char *p = reinterpret_cast<const unsigned char *>(argv[i]); *p; ++p) {
      if (*p == '"' || *p == '\\')
        std::fprintf(out, "\\%c", *p);
      else if (*p < 0x20 || *p == 0x7f)
        std::fprintf(out, "\\u%04x", *p);
      else
        std::fputc(*p, out);
    }
    std::fputc('"', out);
  }
  std::fputs("]\n", out);
  return std::fclose(out) == 0 ? 0 : 1;
}
