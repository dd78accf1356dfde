<?cs # SPDX-License-Identifier: MIT ?></body>
</html>
