/* tests/integration/filters/no_sleep.c - LD_PRELOADed into the real procmail during the
 * differential test only: procmail sleeps a second after creating every mbox file (its NFS
 * atime hack, mailfold.c) and between lock attempts; a no-op sleep() keeps the corpus fast. */
unsigned int sleep(unsigned int seconds)
{
    (void)seconds;
    return 0;
}
