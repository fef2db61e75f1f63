/* cli.c -- placeholder until the command is written. */
#include <stdio.h>
int main(void)
{
    puts("mrv");
    return 0;
}
