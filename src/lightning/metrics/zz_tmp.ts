const x: number[] = 5; export {x};
