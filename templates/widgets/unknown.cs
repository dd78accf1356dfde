<?cs # SPDX-License-Identifier: MIT ?><?cs # Used when a widget's type is not installed: the wrapper shows the error. ?><?cs def:widget_body(w) ?><?cs /def ?>
