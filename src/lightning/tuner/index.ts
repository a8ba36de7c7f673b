export { Tuner, backendMemoryLimit, type BatchSizeResult, type BatchTrial, type LrFindOptions, type ScaleBatchSizeOptions, type TuneData } from './tuner';
export { LRFinder, scheduledLr, smoothLosses, type LRFinderResults, type SuggestionOptions, type SuggestionRule } from './lr-finder';
export { LearningRateFinder, BatchSizeFinder } from './callbacks';
