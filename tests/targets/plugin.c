/* plugin.c - test target: the shared object plugin_host copies into /tmp
 * and loads (libfzplugin.so). plugin_crash(NULL) faults in plugin_store,
 * a static function, so only the object's own .symtab/DWARF name it. In
 * the jail /tmp is writable by the target: fzsandbox must symbolize these
 * frames through its confined helper, never by parsing the copy itself
 * (tests/integration/sandbox_untrusted.sh, tests/unit/check_symhelper.c). */
#pragma GCC optimize("O0")

/* The unit test looks up the line of plugin_store's entry (its brace). */
static void __attribute__((noinline)) plugin_store(int *p, int v)
{	/* PLUGIN_STORE_LINE */
	*p = v;
}

void plugin_crash(int *p)
{
	plugin_store(p, 42);
}
