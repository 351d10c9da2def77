/* A child that spins forever in user code (the vDSO path of a pass). */
int main(void) { for (;;) ; }
