import { createLearnOnlineBatch, type LearnDeps } from './learn-online';
import { createPrepareOnlineCandidate } from './prepare-candidate';
import { createStartOnlineTraining } from './start-online';

/** The activities of `onlineTraining` and `onlinePublish` (which also uses export, register, deploy). */
export function createOnlineActivities(deps: LearnDeps) {
  return {
    startOnlineTraining: createStartOnlineTraining(deps),
    learnOnlineBatch: createLearnOnlineBatch(deps),
    prepareOnlineCandidate: createPrepareOnlineCandidate(deps),
  };
}

export type OnlineActivities = ReturnType<typeof createOnlineActivities>;
