/**
 * dd-manager.ts 14.1.0
 * Copyright (c) 2021-2025 Alain Dumesny - see GridStack root license
 */
/**
 * Global state manager for all Drag & Drop instances.
 *
 * This class maintains shared state across all drag & drop operations,
 * ensuring proper coordination between multiple grids and drag/drop elements.
 * All properties are static to provide global access throughout the DD system.
 */
export class DDManager {
}
//# sourceMappingURL=dd-manager.js.map