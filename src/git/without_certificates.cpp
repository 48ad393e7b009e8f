// Linked into the executables only (see CMakeLists.txt). libgit2, built on
// mbedtls as Debian ships it, parses the system's whole CA bundle inside
// git_libgit2_init(): ~55M instructions, 10 ms, more than git itself takes to
// list what is staged. hook-check never talks to a remote, so the executables
// define the two loaders libgit2 calls and load nothing; libgit2 treats that
// as "no certificates found", which only an HTTPS transport would notice.
// The definitions are exported (-Wl,--export-dynamic-symbol) so the dynamic
// linker binds libgit2's calls to them instead of libmbedx509's.
extern "C" {
int mbedtls_x509_crt_parse_file(void*, const char*) { return -1; }
int mbedtls_x509_crt_parse_path(void*, const char*) { return -1; }
}
