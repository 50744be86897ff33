export const monitorScheduleId = (modelName: string): string => `drift-monitor-${modelName}`;
export const retrainScheduleId = (modelName: string): string => `retrain-${modelName}`;
export const batchScoreScheduleId = (modelName: string): string => `batch-score-${modelName}`;
