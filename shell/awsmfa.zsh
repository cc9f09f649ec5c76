# placeholder: __AWSMFA_CMD__
