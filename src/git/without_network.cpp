// Linked into each executable (see CMakeLists.txt: hc_link_executable).
// hook-check reads local repositories only; these definitions keep libgit2's
// network code from costing anything at start-up.
//
// CA bundle: libgit2, built on mbedtls as Debian ships it, parses the system's
// whole CA bundle inside git_libgit2_init(): ~55M instructions, 10 ms, more
// than git itself takes to list what is staged. The loaders it calls load
// nothing here; libgit2 takes that as "no certificates found", which only an
// HTTPS transport would notice. Linked statically, libgit2's calls are
// redirected with -Wl,--wrap; linked dynamically, these definitions are
// exported so the dynamic linker binds libgit2's calls to them.
//
// GSSAPI: libgit2's Negotiate authentication (HTTP only) is the sole user of
// libgssapi_krb5, which loads seven shared libraries. Linked statically, the
// functions it calls fail here as GSSAPI does when no mechanism is available.
extern "C" {

#ifdef HOOK_CHECK_STATIC_DEPS
int __wrap_mbedtls_x509_crt_parse_file(void*, const char*) { return -1; }
int __wrap_mbedtls_x509_crt_parse_path(void*, const char*) { return -1; }

using OM_uint32 = unsigned int;
constexpr OM_uint32 kGssFailure = 13u << 16;  // GSS_S_FAILURE
void* GSS_C_NT_HOSTBASED_SERVICE = nullptr;

static OM_uint32 gss_unavailable(OM_uint32* minor) {
  if (minor) *minor = 0;
  return kGssFailure;
}
OM_uint32 gss_indicate_mechs(OM_uint32* minor, void** mechs) {
  if (mechs) *mechs = nullptr;
  return gss_unavailable(minor);
}
OM_uint32 gss_import_name(OM_uint32* minor, void*, void*, void** name) {
  if (name) *name = nullptr;
  return gss_unavailable(minor);
}
OM_uint32 gss_init_sec_context(OM_uint32* minor, void*, void**, void*, void*, OM_uint32, OM_uint32, void*, void*,
                               void**, void*, OM_uint32*, OM_uint32*) {
  return gss_unavailable(minor);
}
OM_uint32 gss_display_status(OM_uint32* minor, OM_uint32, int, void*, OM_uint32*, void*) { return gss_unavailable(minor); }
OM_uint32 gss_delete_sec_context(OM_uint32* minor, void**, void*) { return gss_unavailable(minor); }
OM_uint32 gss_release_buffer(OM_uint32* minor, void*) { return gss_unavailable(minor); }
OM_uint32 gss_release_name(OM_uint32* minor, void**) { return gss_unavailable(minor); }
OM_uint32 gss_release_oid_set(OM_uint32* minor, void**) { return gss_unavailable(minor); }
#else
int mbedtls_x509_crt_parse_file(void*, const char*) { return -1; }
int mbedtls_x509_crt_parse_path(void*, const char*) { return -1; }
#endif

}  // extern "C"
