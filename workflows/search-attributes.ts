import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// Custom search attributes the workflows set; `mlcycle dev` registers them on the dev server and the
// README tells cluster operators to create them (temporal operator search-attribute create).
export const MODEL_NAME = defineSearchAttributeKey('ModelName', SearchAttributeType.KEYWORD);
export const MODEL_VERSION = defineSearchAttributeKey('ModelVersion', SearchAttributeType.INT);
export const ML_STEP = defineSearchAttributeKey('MlStep', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTES = [MODEL_NAME, MODEL_VERSION, ML_STEP];
