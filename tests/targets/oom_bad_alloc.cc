// oom_bad_alloc - test target: C++'s out-of-memory policy. operator new
// throws std::bad_alloc when malloc fails, nothing catches it, and the
// program ends in std::terminate -> abort() with make_table still running:
// deliberate, never a finding. Built by tests/integration/deliberate_abort.sh
// when g++ is there (-O0 and -O2 -g), not by make: the tree needs no C++
// compiler.
#include <cstdio>
#include <cstring>
#include <vector>

__attribute__((noinline)) static std::vector<int> *make_table(std::size_t n)
{
	std::vector<int> *v = new std::vector<int>(n);

	std::memset(v->data(), 0, n * sizeof(int));
	return v;
}

int main()
{
	std::vector<int> *t = make_table(1000);
	int sum = (*t)[0] + (*t)[999];

	delete t;
	std::fputs(sum == 0 ? "ok\n" : "bad\n", stderr);
	return sum;
}
