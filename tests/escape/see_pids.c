/* see_pids - escape attempt: see the host's processes. Prints how many
 * numeric entries /proc has ("pids N"); in the jail only the jail's init,
 * this program and nothing else should be there. */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>

int main(void)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;

	if (!d) {
		perror("see_pids: /proc");
		return 2;
	}
	while ((de = readdir(d)))
		n += isdigit((unsigned char)de->d_name[0]) != 0;
	closedir(d);
	printf("pids %d\n", n);
	return 0;
}
